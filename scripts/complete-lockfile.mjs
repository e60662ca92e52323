#!/usr/bin/env node
// The registry this project is built against serves only this platform's native binaries, so
// `npm install` leaves other platforms' optional packages (@swc/core-darwin-arm64, …) out of
// package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds each missing
// optional platform package with the os/cpu/libc its name states: npm ci skips them on every
// other platform without fetching, and fetches them by name and version where they belong.
// Run after `npm install` changes the lock: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = { x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', ppc64: 'ppc64', ppc64le: 'ppc64', s390x: 's390x', loong64: 'loong64', riscv64: 'riscv64', mips64el: 'mips64el', wasm32: 'wasm32', x86_64: 'x64', aarch64: 'arm64', universal: null };

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = tokens.find((t) => OS.includes(t));
  const cpuToken = tokens.find((t) => t in CPU);
  const libc = tokens.includes('musl') || tokens.includes('musleabihf') ? 'musl' : tokens.includes('gnu') || tokens.includes('gnueabihf') ? 'glibc' : undefined;
  if (!os && cpuToken !== 'wasm32') return undefined;
  const out = {};
  if (os) out.os = [os];
  if (cpuToken && CPU[cpuToken]) out.cpu = [CPU[cpuToken]];
  if (libc && os === 'linux') out.libc = [libc];
  return out;
}

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [where, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = where === '' ? '' : `${where}/`;
    const nested = `${base}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    const wanted = version.replace(/^[\^~=]/, '');
    if (packages[nested] || packages[hoisted]?.version === wanted) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    packages[packages[hoisted] ? nested : hoisted] = { version: wanted, ...(meta.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} optional platform package(s)`);
