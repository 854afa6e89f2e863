"use client";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { dashArray, type VariantStyle } from "@/lib/client/variant-style";
import styles from "./charts.module.css";

// Canvas colours mirror app/globals.css (--muted, --border, --text): a canvas cannot read CSS
// variables without a getComputedStyle per draw.
const MUTED = "#8b96a3";
const GRID = "#2a323c";
const HEIGHT = 180;
/** Fewer values than this in a series and its points are drawn as dots (a lone point has no line). */
const DOTS_BELOW = 40;

export interface ChartMarker {
  /** ms since the epoch. */
  t: number;
  label: string;
  kind: "state" | "rollback";
}

export interface ChartSeries {
  label: string;
  style: VariantStyle;
}

export interface TimeSeriesData {
  x: Float64Array;
  ys: (number | null)[][];
  /** Values per series (dots when few). */
  nonNull: number[];
}

export interface TimeSeriesChartProps {
  title: string;
  series: ChartSeries[];
  data: TimeSeriesData;
  /** Visible time range, ms. */
  from: number;
  to: number;
  markers: readonly ChartMarker[];
  /** Hover read-out values (with units). */
  format: (v: number) => string;
  /** Axis ticks (defaults to `format`). */
  axisFormat?: (v: number) => string;
  /** Fixed lower end of the value axis (0 for bytes allocated: nothing is drawn below it). */
  yMin?: number;
  emptyText: string | null;
  /** A range dragged on the plot, ms. */
  onZoom?: (from: number, to: number) => void;
}

const MARKER_COLOR = { state: "#4da3ff", rollback: "#ff7b72" } as const;

function drawMarkers(u: uPlot, markers: readonly ChartMarker[]) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const px = uPlot.pxRatio;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.font = `${10 * px}px system-ui, sans-serif`;
  ctx.textBaseline = "top";
  for (const m of markers) {
    const x = Math.round(u.valToPos(m.t / 1000, "x", true));
    if (x < left || x > left + width) continue;
    ctx.strokeStyle = MARKER_COLOR[m.kind];
    ctx.fillStyle = MARKER_COLOR[m.kind];
    ctx.lineWidth = px;
    ctx.setLineDash([3 * px, 3 * px]);
    ctx.beginPath();
    ctx.moveTo(x + 0.5, top);
    ctx.lineTo(x + 0.5, top + height);
    ctx.stroke();
    ctx.setLineDash([]);
    // Near the right edge the label goes to the left of its line, so it is not cut.
    const w = ctx.measureText(m.label).width;
    const right = x + 3 * px + w <= left + width;
    ctx.textAlign = right ? "left" : "right";
    ctx.fillText(m.label, right ? x + 3 * px : x - 3 * px, top + 2 * px);
  }
  ctx.restore();
}

/**
 * One metric over time on a canvas (uPlot), one line per variant. React renders the frame once;
 * data, range and markers reach the plot imperatively, at most once per animation frame, so a
 * live update costs one canvas redraw and no DOM work (the recharts SVG version rebuilt ~1,200
 * SVG nodes per chart per second and held the main thread ~90 % of the time at 10 calls/s).
 */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const seriesKey = props.series.map((s) => `${s.label}|${s.style.color}|${s.style.dash ?? ""}`).join(",");

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const p = latest.current;
    const axisFormat = (v: number) => (v === 0 ? "0" : (latest.current.axisFormat ?? latest.current.format)(v));
    const opts: uPlot.Options = {
      width: Math.max(100, el.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      padding: [6, 8, 0, 0],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        sync: { key: "operation-charts" },
        points: { size: 6 },
      },
      scales: {
        x: { time: true, range: () => [latest.current.from / 1000, latest.current.to / 1000] },
        y: {
          range: (_u, min, max) => {
            const floor = latest.current.yMin;
            if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [floor ?? 0, 1];
            const lo = floor ?? (min === max ? min - Math.abs(min) * 0.1 - 1e-9 : min - (max - min) * 0.05);
            const hi = max === lo ? lo + 1 : max + (max - lo) * 0.08;
            return [floor === undefined ? lo : Math.max(floor, lo), hi];
          },
        },
      },
      axes: [
        { stroke: MUTED, grid: { stroke: GRID, width: 1, dash: [2, 4] }, ticks: { stroke: GRID }, font: "11px system-ui, sans-serif", space: 60 },
        {
          stroke: MUTED,
          grid: { stroke: GRID, width: 1, dash: [2, 4] },
          ticks: { stroke: GRID },
          font: "11px system-ui, sans-serif",
          // Wide enough for "19.07 MB" / "1.00 s" at 11 px (64 cut the first digit).
          size: 76,
          // No data: no made-up scale behind the "not enough data" note.
          values: (_u, splits) => (latest.current.emptyText ? splits.map(() => "") : splits.map(axisFormat)),
        },
      ],
      series: [
        {},
        ...p.series.map((s, i) => ({
          label: s.label,
          stroke: s.style.color,
          width: s.style.width,
          dash: dashArray(s.style),
          spanGaps: true,
          points: { show: () => (latest.current.data.nonNull[i] ?? 0) < DOTS_BELOW, size: 5, fill: s.style.color },
        })),
      ],
      hooks: {
        draw: [(u) => drawMarkers(u, latest.current.markers)],
        setSelect: [
          (u) => {
            const sel = u.select;
            if (sel.width < 4) return;
            const a = u.posToVal(sel.left, "x");
            const b = u.posToVal(sel.left + sel.width, "x");
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            latest.current.onZoom?.(a * 1000, b * 1000);
          },
        ],
        setCursor: [
          (u) => {
            const out = readout.current;
            if (!out) return;
            const idx = u.cursor.idx;
            if (idx === null || idx === undefined) {
              out.textContent = "";
              return;
            }
            const cur = latest.current;
            const parts = [new Date((cur.data.x[idx] ?? 0) * 1000).toLocaleTimeString()];
            cur.series.forEach((s, i) => {
              const v = cur.data.ys[i]?.[idx];
              if (v !== null && v !== undefined) parts.push(`${s.label}: ${cur.format(v)}`);
            });
            out.textContent = parts.join(" · ");
          },
        ],
      },
    };
    const u = new uPlot(opts, [p.data.x, ...p.data.ys], el);
    plot.current = u;
    let width = el.clientWidth;
    const ro = new ResizeObserver(() => {
      if (el.clientWidth !== width && el.clientWidth > 0) {
        width = el.clientWidth;
        u.setSize({ width, height: HEIGHT });
      }
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when its series change; everything else is read from `latest`.
  }, [seriesKey]);

  // Socket updates, the clock and markers may all land in one frame: draw once per frame.
  useEffect(() => {
    const id = requestAnimationFrame(() => {
      const u = plot.current;
      if (!u) return;
      const d = latest.current.data;
      u.setData([d.x, ...d.ys], true);
    });
    return () => cancelAnimationFrame(id);
  }, [props.data, props.from, props.to, props.markers]);

  return (
    <figure className={styles.chart} style={{ margin: 0 }}>
      <figcaption className={styles.chartTitle}>{props.title}</figcaption>
      <div className={styles.plot}>
        <div ref={box} className={styles.canvas} />
        {props.emptyText && <div className={styles.noData}>{props.emptyText}</div>}
      </div>
      <div ref={readout} className={styles.readout} aria-live="off" />
    </figure>
  );
}
