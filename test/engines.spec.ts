// The Node.js versions package.json promises (engines.node) are ones every installed package supports:
// on the oldest of them `npm ci` prints no EBADENGINE warning, and nothing needs a newer Node.js.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// semver (the range logic npm checks engines with) is already installed for the test tooling; typed
// here rather than through a types package added for one test.
const semver = require('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
  validRange(range: string): string | null;
};

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

describe('engines.node', () => {
  const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(process.cwd(), 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  const oldest = semver.minVersion(manifest.engines.node)!.version;

  it('stays Node.js 20.19 or later, as the README says', () => {
    expect(manifest.engines.node).toBe('>=20.19');
    expect(oldest).toBe('20.19.0');
  });

  it('is supported by every package in package-lock.json that names the Node.js versions it needs', () => {
    const needs = Object.entries(lock.packages)
      .filter(([path, pkg]) => path !== '' && pkg.engines && !Array.isArray(pkg.engines) && pkg.engines.node)
      .map(([path, pkg]) => ({
        name: path.replace(/^.*node_modules\//, ''),
        version: pkg.version,
        node: (pkg.engines as { node: string }).node,
      }));
    // The lockfile does carry them: a check of nothing would pass whatever it holds.
    expect(needs.length).toBeGreaterThan(100);
    const unmet = needs.filter(({ node }) => semver.validRange(node) !== null && !semver.satisfies(oldest, node));
    expect(unmet).toEqual([]);
  });

  it('is met by the Node.js running the tests', () => {
    expect(semver.satisfies(process.versions.node, manifest.engines.node)).toBe(true);
  });
});
