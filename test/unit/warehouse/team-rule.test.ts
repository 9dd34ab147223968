import { describe, expect, it } from 'vitest';
import { creditedTeam } from '../../../src/warehouse/team-rule';

describe(creditedTeam.name, () => {
  it("credits a contact to its own team key first, whatever its agent's team and its queue's owner", () => {
    expect(creditedTeam(1, 2, 3)).toEqual({ teamId: 1, fromQueue: false });
    expect(creditedTeam(1, null, null)).toEqual({ teamId: 1, fromQueue: false });
  });

  it("credits a contact without a team key to its agent's team, not to its queue's owner", () => {
    expect(creditedTeam(null, 2, 3)).toEqual({ teamId: 2, fromQueue: false });
  });

  it("credits a contact without a team of its own (unanswered, or an agent without a team) to its queue's owner, marked as such", () => {
    expect(creditedTeam(null, null, 3)).toEqual({ teamId: 3, fromQueue: true });
  });

  it('credits it to no team when its queue has no owner', () => {
    expect(creditedTeam(null, null, null)).toEqual({ teamId: null, fromQueue: false });
  });
});
