/* report.ts — the harness's outputs: the result model, the terminal tables (median time and ratio
 * to native per workload x runtime; min-max; the issue's targets), the JSON file with every sample,
 * and the HTML report with vega-lite charts rendered server-side to SVG (vega.View.toSVG()).
 * Must not: run or time anything; invent a number for a cell that has no samples (such a cell
 * shows its reason).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { perOpSummary } from './syscalls.js';

export interface Sample {
  workload: string;
  runtime: string;
  /** 0 = the warm-up round (excluded from the statistics). */
  round: number;
  warmup: boolean;
  /** Measured inside the guest (CLOCK_MONOTONIC around the workload). */
  ns: number;
  checksum: string;
  /** Wall time of the whole child process (start, compile, preload): a side note. */
  wallMs: number;
}

export interface Cell {
  workload: string;
  runtime: string;
  status: 'ok' | 'unavailable' | 'failed' | 'checksum';
  reason?: string;
  n?: number;
  medianNs?: number;
  minNs?: number;
  maxNs?: number;
  /** Median / native median (null when native has no number). */
  ratio?: number | null;
}

/** One of issue 6's targets: `runtime`'s median / `against`'s median must be <= target. */
export interface TargetCheck { workload: string; runtime: string; against: string; target: number; ratio: number | null; met: boolean | null }

export interface BenchResult {
  tool: 'wasi-directfs bench';
  date: string;
  quick: boolean;
  seed: number;
  runs: number;
  warmup: number;
  argv: string[];
  durationMs: number;
  machine: { cpu: string; cores: number; kernel: string; os: string; node: string; memoryGiB: number; loadAvgStart: number[]; loadAvgEnd: number[] };
  /** Node's options for every wasm runtime's child process (run.ts nodeFlags: the executable's). */
  nodeFlags: string[];
  git: { commit: string | null; dirty: boolean | null };
  dataRoot: string;
  /** File system type of dataRoot (tmpfs, ext2/3/4, ...). */
  dataFs: string;
  workloads: Array<{ id: string; title: string; size: string; dataset: string | null; target: number | null }>;
  runtimes: Array<{ id: string; label: string; inMemory: boolean; unavailable: string | null }>;
  samples: Sample[];
  cells: Cell[];
  checksums: Record<string, Record<string, string[]>>;
  targets: TargetCheck[];
  notes: string[];
  /** --syscalls: one strace'd run per (workload, runtime), absent without the option. */
  syscalls?: SyscallCell[];
}

/** Host syscalls of one (workload, runtime) (ts/bench/syscalls.ts). */
export interface SyscallCell {
  workload: string;
  runtime: string;
  /** The guest operations of the run (null: not fixed by the parameters). */
  ops: { n: number; unit: string } | null;
  /** Calls per name of the strace'd run, of the same runtime's empty-guest run, and the
   * difference in filesystem calls (FS_SYSCALLS); null with `error`. */
  calls: Record<string, number> | null;
  baseline: Record<string, number> | null;
  net: Record<string, number> | null;
  error?: string;
}

/** The --syscalls section's lines: per workload, each runtime's filesystem calls per operation
 * (or in total when the operations are not counted). */
export function syscallLines(res: BenchResult, shortNames: Record<string, string>): string[] {
  if (!res.syscalls) return [];
  const out = ['host filesystem syscalls per guest operation (strace -f -c of one extra run, minus the same runtime\'s run of an empty guest):'];
  for (const w of res.workloads) {
    const cells = res.syscalls.filter((c) => c.workload === w.id);
    if (cells.length === 0) continue;
    const ops = cells[0]!.ops;
    out.push(`  ${w.id} (${ops ? `per ${ops.unit}, n = ${ops.n}` : 'the whole run'})`);
    for (const c of cells) {
      const what = c.net ? perOpSummary(c.net, ops ? ops.n : 1) : `not counted: ${c.error}`;
      out.push(`    ${pad(shortNames[c.runtime] ?? c.runtime, 13)} ${what}`);
    }
  }
  out.push('');
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function fmtMs(ns: number): string {
  const ms = ns / 1e6;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${ms.toFixed(3)}ms`;
}

export function fmtRatio(r: number | null | undefined): string {
  if (r === null || r === undefined) return '-';
  return r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`;
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

/** Numbered reasons for the footnotes of a table: the same text gets the same number. */
class Notes {
  private list: string[] = [];
  mark(reason: string): string {
    let i = this.list.indexOf(reason);
    if (i < 0) { this.list.push(reason); i = this.list.length - 1; }
    return `[${i + 1}]`;
  }
  lines(): string[] {
    return this.list.map((r, i) => `  [${i + 1}] ${r}`);
  }
}

function cellOf(res: BenchResult, w: string, r: string): Cell | undefined {
  return res.cells.find((c) => c.workload === w && c.runtime === r);
}

/** The terminal report (plain text, fixed width). */
export function textReport(res: BenchResult, shortNames: Record<string, string>): string {
  const out: string[] = [];
  const m = res.machine;
  out.push(`wasi-directfs bench — ${res.quick ? 'QUICK mode (smaller inputs, fewer runs: indicative only)' : 'full run'}; ` +
    `${res.runs} runs + ${res.warmup} warm-up per cell, interleaved; median of the guest-measured time`);
  out.push(`machine: ${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node}; commit ${res.git.commit?.slice(0, 12) ?? '?'}` +
    `${res.git.dirty ? ' (dirty)' : ''}; load avg at start ${m.loadAvgStart.map((x) => x.toFixed(2)).join(' ')}`);
  out.push(`data: ${res.dataRoot} (${res.dataFs}); wasm runtimes run as node ${res.nodeFlags.join(' ')} (as the wasi-directfs executable)`);
  out.push('');
  const notes = new Notes();
  const rts = res.runtimes;
  const wl = res.workloads;
  const w0 = Math.max(10, ...wl.map((w) => w.id.length)) + 1;
  const cw = rts.map((r) => Math.max(14, (shortNames[r.id] ?? r.id).length + 1));
  const header = pad('workload', w0) + rts.map((r, i) => pad(shortNames[r.id] ?? r.id, cw[i]!, true)).join('');
  const table = (title: string, fn: (c: Cell | undefined) => string): void => {
    out.push(title);
    out.push(header);
    out.push('-'.repeat(header.length));
    for (const w of wl) {
      out.push(pad(w.id, w0) + rts.map((r, i) => pad(fn(cellOf(res, w.id, r.id)), cw[i]!, true)).join(''));
    }
    out.push('');
  };
  const reasonOf = (c: Cell | undefined): string => notes.mark(c?.reason ?? 'not run');
  table('median time (ratio to native)', (c) => {
    if (!c || c.status === 'unavailable' || c.status === 'failed') return reasonOf(c);
    const t = `${fmtMs(c.medianNs!)} ${c.runtime === 'native' ? '' : fmtRatio(c.ratio)}`.trim();
    return c.status === 'checksum' ? `${t}${notes.mark(c.reason!)}` : t;
  });
  table('min - max', (c) => {
    if (!c || c.status === 'unavailable' || c.status === 'failed') return reasonOf(c);
    return `${fmtMs(c.minNs!)}-${fmtMs(c.maxNs!).replace('ms', '')}`;
  });
  const nl = notes.lines();
  if (nl.length) out.push('notes:', ...nl, '');
  out.push('runtimes: ' + rts.map((r) => `${shortNames[r.id] ?? r.id} = ${r.label}`).join('; '));
  if (rts.some((r) => r.inMemory)) out.push('* in-memory reference, not a peer: the input tree is preloaded into its memory outside the timed region.');
  out.push('');
  out.push(...syscallLines(res, shortNames));
  out.push('issue 6 targets (median ratios in this run):');
  for (const t of res.targets) {
    const verdict = t.met === null ? 'no figure' : t.met ? 'met' : 'MISSED';
    const who = `${shortNames[t.runtime] ?? t.runtime} / ${shortNames[t.against] ?? t.against}`;
    out.push(`  ${pad(t.workload, w0)} ${pad(who, 24)} target <= ${String(t.target).padEnd(4)}x  measured ${pad(fmtRatio(t.ratio), 7, true)}   ${verdict}`);
  }
  for (const n of res.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

export function writeJson(dir: string, stem: string, res: BenchResult): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, `${stem}.json`);
  const text = JSON.stringify(res, null, 1);
  writeFileSync(p, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return p;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type VegaLite = { compile: (spec: unknown) => { spec: unknown } };
type Vega = { parse: (spec: unknown) => unknown; View: new (rt: unknown, opts: { renderer: string }) => { toSVG: () => Promise<string>; finalize: () => void } };

async function renderSvg(vega: Vega, vl: VegaLite, spec: unknown): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** The HTML report: summary table, two charts (ratio to native; every sample), the machine. */
export async function writeHtml(dir: string, stem: string, res: BenchResult): Promise<string> {
  // Loaded at run time (a non-literal specifier, so bundlers leave it alone) from the
  // node_modules above the bundle (dist/, build/): vega and vega-lite are not bundled.
  const load = async (name: string): Promise<unknown> => {
    const mod = (await import(name)) as Record<string, unknown>;
    return 'parse' in mod || 'compile' in mod ? mod : mod.default;
  };
  const vega = (await load('vega')) as Vega;
  const vlMod = (await load('vega-lite')) as VegaLite & { default?: VegaLite };
  const vl: VegaLite = typeof vlMod.compile === 'function' ? vlMod : vlMod.default!;
  const label = Object.fromEntries(res.runtimes.map((r) => [r.id, r.label]));
  const ratios = res.cells.filter((c) => c.status !== 'unavailable' && c.status !== 'failed' && c.ratio != null && c.runtime !== 'native')
    .map((c) => ({ workload: c.workload, runtime: label[c.runtime], ratio: c.ratio }));
  const targets = res.targets.filter((t) => t.against === 'native').map((t) => ({ workload: t.workload, target: t.target }));
  const ratioSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Median time relative to native (log scale; 1 = native; ticks = issue 6 targets for directfs exclusive)',
    width: 640,
    layer: [
      {
        data: { values: ratios },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'workload', type: 'nominal', sort: res.workloads.map((w) => w.id), title: null },
          yOffset: { field: 'runtime', type: 'nominal' },
          x: { field: 'ratio', type: 'quantitative', scale: { type: 'log' }, title: 'ratio to native' },
          color: { field: 'runtime', type: 'nominal', legend: { orient: 'bottom', columns: 2 } },
          tooltip: [{ field: 'runtime' }, { field: 'ratio', format: '.2f' }],
        },
      },
      {
        data: { values: targets },
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: {
          y: { field: 'workload', type: 'nominal', sort: res.workloads.map((w) => w.id) },
          x: { field: 'target', type: 'quantitative' },
        },
      },
    ],
  };
  const samples = res.samples.filter((s) => !s.warmup).map((s) => ({ workload: s.workload, runtime: label[s.runtime], ms: s.ns / 1e6 }));
  const sampleSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Every sample (guest-measured ms; warm-up excluded)',
    data: { values: samples },
    facet: { row: { field: 'workload', type: 'nominal', sort: res.workloads.map((w) => w.id), header: { labelAngle: 0, labelAlign: 'left' } } },
    spec: {
      width: 560,
      mark: { type: 'point', filled: true, opacity: 0.7 },
      encoding: {
        x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
        y: { field: 'runtime', type: 'nominal', title: null },
        color: { field: 'runtime', type: 'nominal', legend: null },
      },
    },
    resolve: { scale: { x: 'independent' } },
  };
  const svgRatio = await renderSvg(vega, vl, ratioSpec);
  const svgSamples = await renderSvg(vega, vl, sampleSpec);
  const m = res.machine;
  const rows = res.workloads.map((w) => {
    const tds = res.runtimes.map((r) => {
      const c = cellOf(res, w.id, r.id);
      if (!c || c.status === 'unavailable' || c.status === 'failed') return `<td class="why">${esc(c?.reason ?? 'not run')}</td>`;
      const warn = c.status === 'checksum' ? `<br><span class="why">${esc(c.reason!)}</span>` : '';
      return `<td>${fmtMs(c.medianNs!)}${r.id === 'native' ? '' : ` <b>${fmtRatio(c.ratio)}</b>`}<br><small>${fmtMs(c.minNs!)} – ${fmtMs(c.maxNs!)}, n=${c.n}</small>${warn}</td>`;
    }).join('');
    return `<tr><th title="${esc(w.size)}">${esc(w.id)}<br><small>${esc(w.size)}</small></th>${tds}</tr>`;
  }).join('\n');
  const targetRows = res.targets.map((t) =>
    `<tr><td>${esc(t.workload)}</td><td>${esc(label[t.runtime] ?? t.runtime)} / ${esc(label[t.against] ?? t.against)}</td><td>&le; ${t.target}x</td><td>${fmtRatio(t.ratio)}</td><td class="${t.met ? 'ok' : 'miss'}">${t.met === null ? 'no figure' : t.met ? 'met' : 'MISSED'}</td></tr>`).join('\n');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>wasi-directfs bench ${esc(res.date)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:right}th{text-align:left}.why{color:#a33;font-size:11px;text-align:left;max-width:180px}
.ok{color:#070}.miss{color:#b00;font-weight:bold}small{color:#666}</style></head><body>
<h1>wasi-directfs benchmark</h1>
<p>${res.quick ? '<b>QUICK mode</b>: smaller inputs and fewer runs — indicative only.' : 'Full run.'}
${res.runs} runs per cell after ${res.warmup} warm-up, runtimes interleaved (A B C … A B C …), each run in a fresh process.
Times are measured inside the guest (CLOCK_MONOTONIC around the workload); process start, compilation and preloading are excluded.</p>
<p>Machine: ${esc(m.cpu)}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${esc(m.kernel)}, Node ${esc(m.node)}; every wasm runtime runs as <code>node ${esc(res.nodeFlags.join(' '))}</code> (as the wasi-directfs executable).
Commit ${esc(res.git.commit ?? 'unknown')}${res.git.dirty ? ' (working tree dirty)' : ''}. ${esc(res.date)}, ${(res.durationMs / 1000).toFixed(0)} s.
Data on ${esc(res.dataRoot)} (${esc(res.dataFs)}). Load average at start ${m.loadAvgStart.map((x) => x.toFixed(2)).join(' ')}, at end ${m.loadAvgEnd.map((x) => x.toFixed(2)).join(' ')}.</p>
<h2>Median time and ratio to native</h2>
<table><tr><th>workload</th>${res.runtimes.map((r) => `<th>${esc(r.label)}</th>`).join('')}</tr>
${rows}</table>
<h2>Issue 6 targets</h2>
<table><tr><th>workload</th><th>ratio</th><th>target</th><th>measured</th><th></th></tr>${targetRows}</table>
${res.notes.map((n) => `<p>${esc(n)}</p>`).join('\n')}
${res.syscalls ? `<h2>Host syscalls</h2>\n<pre>${esc(syscallLines(res, Object.fromEntries(res.runtimes.map((r) => [r.id, r.id]))).join('\n'))}</pre>` : ''}
<h2>Charts</h2>
<div>${svgRatio}</div>
<div>${svgSamples}</div>
<p>Every sample is in <code>${esc(stem)}.json</code>.</p>
</body></html>
`;
  mkdirSync(dir, { recursive: true });
  const p = join(dir, `${stem}.html`);
  writeFileSync(p, html);
  writeFileSync(join(dir, 'latest.html'), html);
  return p;
}
