import type { ApiKey } from './api-key.entity';
import type { AgentRecord, QueueRecord, TeamRecord } from './directory.loaders';
import type { AgentView, ApiKeyView, QueueView, TeamView } from './org.types';

export const toTeamView = (t: TeamRecord): TeamView => ({ id: String(t.id), key: t.key, name: t.name });
export const toQueueView = (q: QueueRecord): QueueView => ({ id: String(q.id), key: q.key, name: q.name, teamId: q.teamId });
export const toAgentView = (a: AgentRecord): AgentView => ({ id: String(a.id), key: a.key, name: a.name, teamId: a.teamId });
export const toApiKeyView = (k: ApiKey): ApiKeyView => ({
  id: String(k.id),
  name: k.name,
  role: k.role,
  createdAt: k.createdAt,
  revokedAt: k.revokedAt,
});
