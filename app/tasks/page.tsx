import { TasksBoard } from "@/components/tasks/tasks-board";

export const metadata = { title: "Tasks · Perfpilot" };
export const dynamic = "force-dynamic";

export default function TasksPage() {
  return (
    <>
      <h1>Tasks</h1>
      <TasksBoard />
    </>
  );
}
