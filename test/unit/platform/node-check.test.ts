import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIN_NODE_VERSION, nodeVersionProblem, parseNodeVersion } from '../../../src/platform/node-check';

describe('parseNodeVersion', () => {
  it('reads process.version and bare versions, with pre-release or build tails', () => {
    expect(parseNodeVersion('v24.21.0')).toEqual([24, 21, 0]);
    expect(parseNodeVersion('22.15.0')).toEqual([22, 15, 0]);
    expect(parseNodeVersion('v25.0.0-nightly20250101abc')).toEqual([25, 0, 0]);
  });
  it('is null for anything that is not major.minor.patch', () => {
    expect(parseNodeVersion('v24')).toBeNull();
    expect(parseNodeVersion('lts/jod')).toBeNull();
    expect(parseNodeVersion('')).toBeNull();
  });
});

describe('nodeVersionProblem', () => {
  it('accepts the floor itself and anything newer', () => {
    expect(nodeVersionProblem('v22.15.0', '22.15.0')).toBeNull();
    expect(nodeVersionProblem('v22.15.1', '22.15.0')).toBeNull();
    expect(nodeVersionProblem('v22.16.0', '22.15.0')).toBeNull();
    expect(nodeVersionProblem('v24.0.0', '22.15.0')).toBeNull();
  });
  it('refuses older versions with one line naming both versions', () => {
    for (const old of ['v20.20.2', 'v22.14.9', 'v22.9.0', 'v18.0.0']) {
      const problem = nodeVersionProblem(old, '22.15.0');
      expect(problem).toBe(
        `callpulse: Node.js >= 22.15.0 is required, this is ${old} ` +
          '(npm scripts run the Node 24 from node_modules; or install Node 24 LTS)',
      );
      expect(problem).not.toContain('\n');
    }
  });
  it('refuses a version it cannot read rather than guessing', () => {
    expect(nodeVersionProblem('weird', '22.15.0')).toMatch(/this is weird/);
  });
  it('throws on a malformed floor (a programming error)', () => {
    expect(() => nodeVersionProblem('v24.0.0', '24')).toThrow(/bad minimum/);
  });
});

describe('the runtime the tests run on', () => {
  it('is a supported Node (vitest and its forked workers use the Node 24 from node_modules)', () => {
    console.info(`test worker: node ${process.version} (${process.execPath})`);
    expect(nodeVersionProblem(process.version)).toBeNull();
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('agrees with package.json "engines"', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
  });
});
