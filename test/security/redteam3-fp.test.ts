/** Red team 3: everyday developer commands must not ask in full-auto (false positives hurt users). */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/index.js';
import { NO_SANDBOX, shellCall } from '../helpers/policy-calls.js';

const EVERYDAY: string[] = [
  'npm install',
  'npm ci',
  'npm test',
  'npm run build',
  'pnpm install && pnpm test',
  'yarn add -D vitest',
  'pip install -r requirements.txt',
  'python3 -m pytest -q tests/',
  'pytest -x -k test_login',
  'cargo build --release',
  'cargo test -- --nocapture',
  'go test ./...',
  'go build -o bin/app ./cmd/app',
  'make -j4',
  'make clean && make',
  'git status',
  'git log --oneline -20',
  'git diff HEAD~1 -- src/',
  'git add -A && git commit -m "fix: handle empty input"',
  'git add src/a.ts',
  'git checkout -b feature/login',
  'git checkout main',
  'git switch -c fix-bug',
  'git stash && git pull --rebase && git stash pop',
  'git restore --staged src/a.ts',
  'npx tsc --noEmit',
  'npx eslint src --fix',
  'npx prettier --write "src/**/*.ts"',
  "sed -n '10,40p' src/index.ts",
  "sed -i 's/foo/bar/g' src/index.ts",
  "awk -F, '{print $2}' data.csv | sort | uniq -c",
  "jq '.dependencies' package.json",
  "cat > src/config.ts <<'EOF2'\nexport const x = 1;\nEOF2",
  'for f in src/*.ts; do echo "$f"; wc -l "$f"; done',
  'mkdir -p build && cp -r assets build/',
  'rm src/old.ts',
  'chmod +x scripts/build.sh && ./scripts/build.sh',
  'docker compose up -d',
  'python3 script.py --out out.json',
  'node scripts/gen.mjs',
  'ls -la && cat README.md | head -50',
  'grep -rn "TODO" src | wc -l',
  'export NODE_ENV=test; npm test',
  'cd packages/api && npm test',
  'curl -s http://localhost:3000/health',
  'tar czf release.tgz dist',
  'mv src/a.ts src/b.ts',
  'git rm --cached secrets.txt',
  'git clean -n',
  'echo "node_modules" >> .gitignore',
  'source .venv/bin/activate && pytest',
  "python3 -c \"import json,sys; print(json.load(open('package.json'))['name'])\"",
  'npm version patch',
  'git merge --no-ff feature/x',
  'git rebase main',
  'git reset HEAD~1',
  'git push origin feature/login',
  'git checkout feature/login',
  'git checkout release/1.2',
  'git checkout v1.2.0',
  'git checkout HEAD~1',
  'git checkout -',
  'git checkout dev',
  'git branch -d feature/done',
  'git fetch --prune',
  'git tag v1.0.0',
  'npm run build && ./dist/cli.js --help',
  'cargo clean',
  'go clean -testcache',
  'git worktree add ../wt feature',
  'eval "$(pyenv init -)"',
  'eval "$(direnv export bash)"',
  'for d in packages/*; do (cd "$d" && npm test); done',
  'xargs -n1 echo < list.txt',
  'git diff --name-only | xargs npx eslint',
  'npm test -- --coverage 2>&1 | tail -20',
  'NODE_OPTIONS=--max-old-space-size=4096 npm run build',
  'PATH=./node_modules/.bin:$PATH tsc',
  'uv run pytest',
  'poetry run pytest',
  'bundle exec rspec',
  'git commit --amend --no-edit',
  'rm -r build',
  'bash scripts/test.sh',
  'sh -c "npm test"',
];

/**
 * Everyday commands that ask in full-auto BY DESIGN (the destructive family, README's security
 * model): forced rm (Codex asks for it too), `find -delete`, dropping a stash, a forced push
 * (with lease or not), discarding a file's changes with `git checkout REV -- path`, and running a
 * file the same command has just rewritten (`sed -i … run.sh && ./run.sh`, commit 483ec08).
 */
const ASKS_BY_DESIGN: string[] = [
  'rm -rf node_modules && npm install',
  'rm -rf dist build',
  'find . -name "*.pyc" -delete',
  'git checkout origin/main -- package-lock.json',
  'git stash drop',
  "sed -i 's/a/b/' run.sh && ./run.sh",
  'git push --force-with-lease',
  'rm -f out.log',
];

describe('red team 3: everyday commands in full-auto (sandbox off)', () => {
  it('the destructive ones still ask, by design', async () => {
    for (const c of ASKS_BY_DESIGN) {
      const d = await decide(shellCall(c), {
        mode: 'full-auto',
        sandbox: NO_SANDBOX,
        rules: { prefixes: [] },
      });
      expect(d.action, c).toBe('ask');
    }
  });

  it('none asks', async () => {
    const asks: string[] = [];
    for (const c of EVERYDAY) {
      const d = await decide(shellCall(c), {
        mode: 'full-auto',
        sandbox: NO_SANDBOX,
        rules: { prefixes: [] },
      });
      if (d.action !== 'auto') asks.push(`${d.action}: ${c}  [${(d as { reason?: string }).reason ?? ''}]`);
    }
    console.log(asks.join('\n'));
    expect(asks).toEqual([]);
  });
});
