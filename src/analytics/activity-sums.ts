import type { SumName } from './metric-catalog';
import type { ActivityColumn } from '../warehouse/activity-grains';

/** The column behind each activity sum of the catalog. */
export const ACTIVITY_COLUMN_OF: Partial<Record<SumName, ActivityColumn>> = {
  loggedInSeconds: 'logged_in_seconds',
  availableSeconds: 'available_seconds',
  handlingSeconds: 'handling_seconds',
  notReadySeconds: 'not_ready_seconds',
  costedSeconds: 'costed_seconds',
  costSeconds: 'cost_seconds',
};
