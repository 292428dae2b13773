// deploy/package.sh: the zip holds a bootstrap that runs from the unzipped folder with no
// library of the host (empty LD_LIBRARY_PATH, bundled glibc and loader) and speaks the
// Runtime API to the emulator.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startEmulator, BUILD, ROOT } = require('./lib/emulator');

const ready = fs.existsSync(path.join(BUILD, 'sf2pg')) && fs.existsSync(path.join(BUILD, 'sf2pg_lambda_emu'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf2pg-package-'));
const zip = path.join(dir, 'sf2pg-lambda.zip');
const unpacked = path.join(dir, 'task');

test('package: zip layout and size, and modes Lambda\'s non-root user can read under umask 077', { skip: !ready && 'build/sf2pg is not built' }, () => {
  // A config.json only its owner may read, packaged by a user whose umask is 077.
  const config = path.join(dir, 'config.json');
  fs.copyFileSync(path.join(ROOT, 'examples', 'config.json'), config);
  fs.chmodSync(config, 0o600);
  const out = execFileSync('bash', ['-c', 'umask 077 && exec "$0" "$@"', path.join(ROOT, 'deploy', 'package.sh'),
    '--no-build', '--build-dir', BUILD, '--out', zip, '--config', config], { encoding: 'utf8' });
  process.stdout.write(`# ${out}`);
  const size = fs.statSync(zip).size;
  assert.ok(size < 50 * 1024 * 1024, `zip is ${size} bytes`);
  execFileSync('unzip', ['-q', zip, '-d', unpacked]);
  for (const f of ['bootstrap', 'bin/sf2pg', 'config.json', 'lib/libc.so.6', 'lib/libpq.so.5', 'lib/libcurl.so.4',
    'licenses/sf2pg.LICENSE', 'licenses/libc6.copyright', 'licenses/libpq5.copyright', 'licenses/libssl3.copyright']) {
    assert.ok(fs.existsSync(path.join(unpacked, f)), f);
  }
  assert.ok(fs.statSync(path.join(unpacked, 'bootstrap')).mode & 0o111, 'bootstrap is executable');
  // The modes as stored in the zip (what Lambda extracts), for every entry.
  const listing = execFileSync('zipinfo', ['-l', zip], { encoding: 'utf8' });
  const entries = listing.split('\n').filter((l) => /^[-d][rwx-]{9} /.test(l));
  assert.ok(entries.length > 10, listing);
  for (const line of entries) {
    const [mode] = line.split(/\s+/);
    const name = line.split(/\s+/).pop();
    const executable = line.startsWith('d') || ['bootstrap', 'bin/sf2pg'].includes(name) || /^lib\/ld-linux/.test(name);
    assert.strictEqual(mode.slice(1), executable ? 'rwxr-xr-x' : 'rw-r--r--', line);
  }
});

test('package: refuses to build a zip without a configuration unless told it comes from elsewhere', { skip: !ready && 'not built' }, () => {
  const none = path.join(dir, 'none.zip');
  let refused;
  try {
    execFileSync(path.join(ROOT, 'deploy', 'package.sh'), ['--no-build', '--build-dir', BUILD, '--out', none],
      { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    refused = e;
  }
  assert.ok(refused, 'package.sh built a zip without --config');
  assert.strictEqual(refused.status, 2);
  assert.match(refused.stderr, /no --config: the function would have no configuration.*--config-elsewhere/s);
  assert.ok(!fs.existsSync(none));
  assert.throws(() => execFileSync(path.join(ROOT, 'deploy', 'package.sh'),
    ['--no-build', '--build-dir', BUILD, '--out', none, '--config', dir], { stdio: 'pipe' }), /not a file/);
});

test('package: bootstrap runs with an empty environment and only bundled libraries', { skip: !ready && 'not built' }, () => {
  const version = execFileSync(path.join(unpacked, 'bootstrap'), ['--version'],
    { env: { LD_LIBRARY_PATH: '' }, encoding: 'utf8' });
  assert.match(version, /^sf2pg \d+\.\d+\.\d+/);
  const loader = fs.readdirSync(path.join(unpacked, 'lib')).find((f) => f.startsWith('ld-linux'));
  const listing = execFileSync(path.join(unpacked, 'lib', loader),
    ['--library-path', path.join(unpacked, 'lib'), '--list', path.join(unpacked, 'bin', 'sf2pg')],
    { env: {}, encoding: 'utf8' });
  const resolved = [...listing.matchAll(/=> (\S+)/g)].map((m) => m[1]);
  assert.ok(resolved.length > 10);
  for (const lib of resolved) {
    assert.ok(lib.startsWith(path.join(unpacked, 'lib')) || lib.endsWith(loader), `${lib} comes from the host`);
  }
});

test('package: the packaged bootstrap serves invocations through the Runtime API', { skip: !ready && 'not built' }, async () => {
  const emu = await startEmulator({
    bootstrap: path.join(unpacked, 'bootstrap'),
    env: { LAMBDA_TASK_ROOT: unpacked, SNOWFLAKE_ACCOUNT: 'acme', SNOWFLAKE_USER: 'svc',
      SNOWFLAKE_RSA_KEY: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', POSTGRES_HOST: '127.0.0.1', POSTGRES_USER: 'u' },
  });
  try {
    const answer = await emu.invoke({ action: 'validate_config' });
    assert.strictEqual(answer.statusCode, 200);
    assert.strictEqual(answer.body.status, 'ok');
    assert.strictEqual(answer.body.tables, 3);
    await assert.rejects(emu.invoke({ action: 'migrate', source_name: 'nope' }),
      (e) => e.name === 'Sf2pg.ConfigError' && /unknown source nope/.test(e.message));
    const again = await emu.invoke({ action: 'validate_config', source_name: 'analytics' });
    assert.strictEqual(again.body.status, 'ok');
    const stats = await emu.stats();
    assert.strictEqual(stats.environments_started, 1, 'one process served all three');
  } finally {
    await emu.stop();
  }
});
