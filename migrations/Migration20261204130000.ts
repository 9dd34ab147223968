import { Migration } from '@mikro-orm/migrations';

/**
 * The shared counts of the rate limits (src/platform/rate-limit-store.ts), in the
 * layout rate-limiter-flexible's PostgreSQL store reads and writes: its key
 * ("<limit>:<key>"), the points used in the current window, and when that window
 * ends (epoch milliseconds). Unlogged: counts are worth no WAL, a crash may forget
 * them, and replicas need none. No index on "expire", so each count's update stays
 * a HOT update; the sweep that deletes ended windows reads the whole small table.
 */
export class Migration20261204130000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create unlogged table "rate_limit" (
      "key" varchar(255) primary key,
      "points" integer not null default 0,
      "expire" bigint
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit";`);
  }
}
