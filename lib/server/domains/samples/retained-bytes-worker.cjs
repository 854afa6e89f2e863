// Thread entry of the retained-bytes worker: a file, so `--import <tsx>` in execArgv runs (an eval
// worker skips it), which then lets `require` load the TypeScript entry (see ./retained-bytes-worker.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS entry: `require` is how it loads TypeScript here
require(require("node:path").join(__dirname, "retained-bytes-worker.ts"));
