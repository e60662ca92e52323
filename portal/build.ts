import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The portal's files, as both back-ends serve them under `/portal/` (config.json is added by each). */
export interface PortalBundle {
  readonly files: Readonly<Record<'index.html' | 'portal.js' | 'portal.css', string>>;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * Bundles the portal with esbuild: one script (Preact and the app, minified), the stylesheet and
 * the page. Nothing inline, so the CSP can say `script-src 'self'; style-src 'self'`.
 */
export async function buildPortal(): Promise<PortalBundle> {
  const result = await build({
    entryPoints: [here('./src/main.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    outfile: 'portal.js',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (!script) throw new Error('esbuild produced no portal.js');
  // uPlot's own stylesheet (the program figures' charts) goes first, so the portal's rules win.
  const [html, css, chartCss] = await Promise.all([readFile(here('./static/index.html'), 'utf8'), readFile(here('./static/portal.css'), 'utf8'), readFile(here('../node_modules/uplot/dist/uPlot.min.css'), 'utf8')]);
  return { files: { 'index.html': html, 'portal.js': script, 'portal.css': `${chartCss}\n${css}` } };
}
