import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../bot/config';
import { projectRoot } from '../../bot/paths';
import { BOT_NODE_FLAGS } from '../../bot/runtimeFlags';

const root = projectRoot();
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

/** `${NAME:-default}` as compose substitutes it when NAME is unset. */
function withComposeDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

interface ComposeService {
  build?: { context: string; dockerfile: string; target?: string };
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}

describe('deploy/', () => {
  describe('Dockerfile', () => {
    const dockerfile = read('deploy/Dockerfile');

    it('runs node with the flags of `npm start` and the benchmark (bot/runtimeFlags.ts)', () => {
      const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
      assert.ok(cmd, 'a CMD in exec form');
      const argv = JSON.parse(cmd) as string[];
      const start =
        (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start ?? '';
      const startArgv = start.split(' ');
      assert.equal(argv[0], 'node');
      assert.equal(startArgv[0], 'node');
      const flagsOf = (args: string[]) =>
        args.filter((arg) => arg.startsWith('--max-') || arg.startsWith('--v8-'));
      assert.deepEqual(flagsOf(argv), [...BOT_NODE_FLAGS]);
      assert.deepEqual(flagsOf(startArgv), [...BOT_NODE_FLAGS]);
      assert.equal(argv[argv.length - 1], 'dist/bot/main.js');
      assert.equal(startArgv[startArgv.length - 1], 'dist/bot/main.js');
    });

    it('copies only files that exist in the repository', () => {
      const sources = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap((match) =>
        match[1]!.split(' '),
      );
      assert.ok(sources.length > 5, 'the build copies the sources');
      for (const source of sources) assert.ok(fs.existsSync(path.join(root, source)), `${source} exists`);
    });

    it('runs as a non-root user with production dependencies only and a health check on /healthz', () => {
      const runtime = dockerfile.slice(
        dockerfile.indexOf('AS runtime'),
        dockerfile.indexOf('AS whatsapp-web'),
      );
      assert.match(runtime, /^USER node$/m);
      assert.match(dockerfile, /npm ci --omit=dev/);
      assert.match(runtime, /^HEALTHCHECK .*\n.*\/healthz/m);
      assert.match(runtime, /^CMD \["node", (?:"--[^"]+", )*"dist\/bot\/main.js"\]$/m);
    });

    it('has a Chromium variant for whatsapp-web.js that sets the browser path the config reads', () => {
      const variant = dockerfile.slice(dockerfile.indexOf('AS whatsapp-web'));
      assert.match(variant, /apt-get install -y --no-install-recommends chromium/);
      const env = /ENV (PUPPETEER_EXECUTABLE_PATH)=(\S+)/.exec(variant);
      assert.equal(
        parseConfig({ [env![1]!]: env![2]!, DATA_DIR: '/data' }).whatsapp.web.browserPath,
        '/usr/bin/chromium',
      );
    });
  });

  describe('compose.yaml', () => {
    const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
      services: Record<string, ComposeService>;
      volumes: Record<string, unknown>;
    };
    const bots = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

    it('is a file `docker compose config` accepts (where Docker Compose is installed)', function () {
      const version = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
      if (version.error !== undefined || version.status !== 0) {
        // NOTE: Docker is no part of what CI must have; the checks below read the file themselves.
        console.log('    (skipped: `docker compose` is not installed here)');
        this.skip();
      }
      const checked = spawnSync('docker', ['compose', '-f', 'deploy/compose.yaml', 'config', '--quiet'], {
        cwd: root,
        encoding: 'utf8',
      });
      assert.equal(checked.status, 0, checked.stderr);
    });

    it('runs two Switchboard instances with separate data volumes on one PostgreSQL and one Redis', () => {
      assert.deepEqual(
        bots.map(([name]) => name),
        ['bot1', 'bot2'],
      );
      const volumes = bots.map(([, service]) => service.volumes?.[0]?.split(':')[0]);
      assert.equal(new Set(volumes).size, 2);
      for (const volume of [...volumes, 'postgres-data'])
        assert.ok(volume && volume in compose.volumes, `${volume} is named`);
      assert.ok(compose.services.postgres?.image?.startsWith('postgres:'));
      assert.ok(compose.services.redis?.image?.startsWith('redis:'));
      assert.deepEqual(compose.services.proxy?.ports, ['8080:8080']);
    });

    it("gives the instances an environment Switchboard's configuration accepts, pointing at the compose services", () => {
      for (const [name, service] of bots) {
        const env = Object.fromEntries(
          Object.entries(service.environment ?? {}).map(([key, value]) => [
            key,
            withComposeDefaults(String(value)),
          ]),
        );
        const config = parseConfig({ ...env, DATA_DIR: '/data' });
        assert.equal(config.storage, 'postgres', name);
        assert.equal(new URL(config.database!.url).hostname, 'postgres');
        assert.equal(new URL(config.redisUrl!).hostname, 'redis');
        assert.equal(config.publicUrl, 'http://localhost:8080');
        assert.equal(service.build?.dockerfile, 'deploy/Dockerfile');
      }
    });

    it('puts nginx in front with WebSocket upgrades passed through to both instances, without affinity', () => {
      const nginx = read('deploy/nginx.conf');
      for (const [name] of bots) assert.match(nginx, new RegExp(`server ${name}:3978;`));
      // Every instance serves every request: what they share is in PostgreSQL and Redis.
      assert.doesNotMatch(nginx, /^\s*(ip_hash|hash|sticky)\b/m);
      assert.match(nginx, /proxy_set_header Upgrade \$http_upgrade;/);
      assert.match(nginx, /proxy_set_header Connection \$connection_upgrade;/);
      assert.match(nginx, /listen 8080;/);
    });
  });

  describe('azure/main.bicep', () => {
    const bicep = read('deploy/azure/main.bicep');

    it('sets only environment variables Switchboard reads, and takes every secret from Key Vault', () => {
      const config = read('bot/config.ts');
      const envNames = [...bicep.matchAll(/\{ name: '([A-Za-z_]+)', (value|secretRef): /g)].map(
        (match) => match[1]!,
      );
      assert.ok(envNames.includes('DATABASE_URL') && envNames.includes('REDIS_URL'));
      for (const envName of envNames)
        assert.ok(config.includes(`'${envName}'`), `${envName} is read by bot/config.ts`);
      for (const secret of ['DATABASE_URL', 'REDIS_URL', 'MicrosoftAppPassword', 'DIRECTLINE_SECRET']) {
        assert.match(
          bicep,
          new RegExp(`\\{ name: '${secret}', secretRef: '[a-z-]+' \\}`),
          `${secret} is a secret`,
        );
      }
      for (const [, secretName] of bicep.matchAll(/secretRef: '([a-z-]+)'/g)) {
        assert.match(
          bicep,
          new RegExp(`\\{ name: '${secretName}', keyVaultUrl: `),
          `${secretName} comes from Key Vault`,
        );
      }
    });

    it('wires the Azure Bot to /api/messages and probes /healthz and /readyz', () => {
      assert.match(
        bicep,
        /endpoint: 'https:\/\/\$\{app\.properties\.configuration\.ingress\.fqdn\}\/api\/messages'/,
      );
      assert.match(bicep, /path: '\/healthz'/);
      assert.match(bicep, /path: '\/readyz'/);
      assert.match(bicep, /stickySessions: \{ affinity: 'none' \}/);
      // Balanced braces and brackets: the least a file that could not be compiled here must be.
      for (const [open, close] of [
        ['{', '}'],
        ['[', ']'],
        ['(', ')'],
      ] as const) {
        assert.equal(bicep.split(open).length, bicep.split(close).length, `${open}${close} balance`);
      }
    });
  });
});
