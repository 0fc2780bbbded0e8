/**
 * Serves the master's web UI on its port: `/` is the page, `/ui/app.js` and `/ui/app.css` its
 * assets, embedded in the binary (assets.ts) and loaded on first request. Cached by ETag.
 * With `--webui_dir`, `/` is that directory's `index.html` and `/app/*`, `/assets/*` its files, as
 * a Mesos master serves its web UI (so Mesos's own UI can be pointed at this master).
 */
import { resolve, sep } from "node:path";
import type { Context, Hono } from "hono";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mesos</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/app.css">
</head>
<body>
<div id="app"></div>
<script type="module" src="/ui/app.js"></script>
</body>
</html>
`;

const TYPES = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };

export function mountUi(app: Hono, webuiDir?: string): void {
  if (webuiDir !== undefined) mountUiDir(app, resolve(webuiDir));
  let assets: Promise<{ js: string; css: string; etag: string }> | undefined;
  const load = () => (assets ??= import("./assets.ts").then(({ UI }) => ({ ...UI, etag: `"${Bun.hash(UI.js + UI.css).toString(36)}"` })));
  const asset = (kind: "js" | "css") => async (c: Context) => {
    const a = await load();
    if (c.req.header("If-None-Match") === a.etag) return c.body(null, 304, { ETag: a.etag });
    return c.body(a[kind], 200, { "Content-Type": TYPES[kind], ETag: a.etag });
  };
  if (webuiDir === undefined) app.get("/", (c) => c.html(PAGE));
  app.get("/ui/app.js", asset("js"));
  app.get("/ui/app.css", asset("css"));
}

function mountUiDir(app: Hono, root: string): void {
  const serve = (path: string) => async (c: Context) => {
    const file = resolve(root, path);
    if (file !== root && !file.startsWith(root + sep)) return c.body(null, 404);
    const stat = await Bun.file(file)
      .stat()
      .catch(() => undefined);
    if (!stat?.isFile()) return c.body(null, 404);
    return new Response(Bun.file(file));
  };
  app.get("/", serve("index.html"));
  for (const dir of ["app", "assets"]) {
    app.get(`/${dir}/*`, (c) => serve(decodeURIComponent(new URL(c.req.url).pathname).slice(1))(c));
  }
}
