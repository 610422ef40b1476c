// The browser tests' parts: a Remit server with the demo provider (its own database in a
// temporary folder, port 0), Debian's chromium driven by playwright-core (never a downloaded
// browser), and an axe-core check of a page. REMIT_BIN names the binary (ctest passes it).
// Screenshots go to REMIT_SCREENSHOTS when it names a folder (docs/screenshots is made so).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const remit = process.env.REMIT_BIN || path.join(here, '../../build/remit');
const axeSource = readFileSync(path.join(here, '../node/node_modules/axe-core/axe.min.js'), 'utf8');

// The demo provider served on a free port: { url, apiKey, login, password, stop() }.
export async function startDemo() {
  const dir = mkdtempSync(path.join(tmpdir(), 'remit-browser-'));
  const db = path.join(dir, 'remit.db');
  const global = ['--db', db, '--outbox-dir', path.join(dir, 'outbox')];
  execFileSync(remit, [...global, 'demo'], { stdio: 'ignore' });
  const proc = spawn(remit, [...global, 'serve', '--listen', '127.0.0.1:0', '--print-demo-key'],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr.on('data', () => {});
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('remit serve did not start: ' + out)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const portal = out.match(/Customer portal: (\S+)\s+\(sign in as (\S+) with password (\S+)\)/);
      const key = out.match(/Demo API key \(tenant 1\): (\S+)/);
      if (portal && key) {
        clearTimeout(timer);
        resolve({ url: portal[1].replace(/\/$/, ''), login: portal[2], password: portal[3], apiKey: key[1] });
      }
    });
    proc.on('exit', (code) => reject(new Error(`remit serve exited ${code}: ${out}`)));
  });
  return {
    ...ready, dir,
    async api(p) {
      const r = await fetch(ready.url + p, { headers: { Authorization: `Bearer ${ready.apiKey}` } });
      if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    stop() {
      proc.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}

// axe-core's serious and critical violations on the page (rule ids), evaluated through the
// DevTools protocol, which the page's Content-Security-Policy does not restrict.
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function screenshot(page, name) {
  const dir = process.env.REMIT_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, name + '.png'), fullPage: true });
}
