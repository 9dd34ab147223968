import 'reflect-metadata';
import { ormOptions } from './orm';

/** For the MikroORM CLI (`npm run migration:create`) only. */
export default ormOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/callpulse_dev');
