import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

const client = postgres(process.env.DATABASE_URL!);
// Properties without an explicit name become snake_case columns.
export const db = drizzle(client, { schema, casing: "snake_case" });
