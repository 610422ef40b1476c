// The browser tests' parts: a Remit server with the demo provider (its own database in a
// temporary folder, port 0), Debian's chromium driven by playwright-core (never a downloaded
// browser), and an axe-core check of a page. REMIT_BIN names the binary (ctest passes it).
// Screenshots go to REMIT_SCREENSHOTS when it names a folder (docs/screenshots is made so).
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../node/node_modules/playwright-core/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const remit = process.env.REMIT_BIN || path.join(here, '../../build/remit');
const axeSource = readFileSync(path.join(here, '../node/node_modules/axe-core/axe.min.js'), 'utf8');

// A port free now (for a server whose public URL must be known before it starts).
export async function freePort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

// The demo provider served on a free port: { url, apiKey, login, password, api(), email(),
// stop() }. With
// { publicUrl: true } the port is chosen first and given as --public-url (links and the
// OpenID Connect redirect address name it).
export async function startDemo({ publicUrl = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'remit-browser-'));
  const db = path.join(dir, 'remit.db');
  const port = publicUrl ? await freePort() : 0;
  const global = ['--db', db, '--outbox-dir', path.join(dir, 'outbox'),
                  ...(publicUrl ? ['--public-url', `http://127.0.0.1:${port}`] : [])];
  execFileSync(remit, [...global, 'demo'], { stdio: 'ignore' });
  const proc = spawn(remit, [...global, 'serve', '--listen', `127.0.0.1:${port}`, '--print-demo-key'],
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
    async api(p, body) {
      const r = await fetch(ready.url + p, {
        method: body ? 'POST' : 'GET',
        headers: { Authorization: `Bearer ${ready.apiKey}`, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    // The first match of `re` in an email the server's senders wrote to the outbox folder
    // (quoted-printable's soft breaks undone), waiting up to 10 s: its first group, or the
    // whole email when `re` has none.
    async email(re) {
      const outbox = path.join(dir, 'outbox');
      for (let i = 0; i < 100; i++) {
        for (const f of readdirSync(outbox)) {
          const text = readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, '');
          const m = text.match(re);
          if (m) return m[1] ?? text;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no email matches ${re}`);
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
