import { Migration } from '@mikro-orm/migrations';

/**
 * typed_sum: sum() that keeps its argument's type (int and bigint → bigint, numeric →
 * numeric). PostgreSQL's sum(bigint) returns numeric: summing a rollup delta's bigint
 * columns per coarser bucket built a numeric for every group and column, cast back to
 * int or bigint on insert (40 columns × 5,600 groups: 34–50 ms against 16–17 with
 * typed_sum). An overflow raises "bigint out of range", as storing the numeric would.
 */
export class Migration20261205220000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create aggregate typed_sum(int) (sfunc = int4_sum, stype = bigint, combinefunc = int8pl, parallel = safe);`);
    this.addSql(`create aggregate typed_sum(bigint) (sfunc = int8pl, stype = bigint, combinefunc = int8pl, parallel = safe);`);
    this.addSql(`create aggregate typed_sum(numeric) (sfunc = numeric_add, stype = numeric, combinefunc = numeric_add, parallel = safe);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop aggregate if exists typed_sum(int);`);
    this.addSql(`drop aggregate if exists typed_sum(bigint);`);
    this.addSql(`drop aggregate if exists typed_sum(numeric);`);
  }
}
