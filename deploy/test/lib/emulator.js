// Starts build/sf2pg_lambda_emu (the Runtime API emulator behind Lambda's Invoke API) around
// a bootstrap, and invokes it the way the lambda:invoke integration does.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { lambdaError } = require('./workflow');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BUILD = process.env.SF2PG_BUILD_DIR || path.join(ROOT, 'build');

async function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts the emulator. `env` is the function's environment (nothing else of this process's
 * environment reaches the bootstrap except PATH); `timeoutMs` is the function timeout.
 */
async function startEmulator({ bootstrap, env = {}, timeoutMs = 5000, maxEnvironments = 8, log }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf2pg-emu-'));
  const portFile = path.join(dir, 'port');
  const args = ['--port-file', portFile, '--timeout-ms', String(timeoutMs),
    '--max-environments', String(maxEnvironments), '--log', log || path.join(dir, 'function.log')];
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  args.push('--', bootstrap);
  const child = spawn(path.join(BUILD, 'sf2pg_lambda_emu'), args, {
    env: { PATH: process.env.PATH, LD_LIBRARY_PATH: '' }, stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 100 && !fs.existsSync(portFile); i++) await sleep(50);
  if (!fs.existsSync(portFile)) throw new Error('sf2pg_lambda_emu did not start');
  const port = Number(fs.readFileSync(portFile, 'utf8'));
  const base = `http://127.0.0.1:${port}`;
  return {
    log: log || path.join(dir, 'function.log'),
    /** Invokes the function; returns the parsed payload or throws lambdaError(errorType). */
    async invoke(payload) {
      const res = await fetch(`${base}/2015-03-31/functions/sf2pg/invocations`, {
        method: 'POST', body: JSON.stringify(payload) });
      const text = await res.text();
      if (res.headers.get('x-amz-function-error')) {
        const err = JSON.parse(text);
        throw lambdaError(err.errorType, err.errorMessage);
      }
      return JSON.parse(text);
    },
    async stats() {
      return (await fetch(`${base}/emulator/stats`)).json();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

module.exports = { startEmulator, BUILD, ROOT, sleep };
