import { integer, pgSchema, pgTable, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";

export const auth = pgSchema("auth");

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 255 }).notNull().unique(),
  displayName: text(),
  teamName: text("team_name"),
  createdAt: timestamp({ withTimezone: true }).defaultNow(),
});

export const messages = pgTable("message", (t) => ({
  id: t.serial("id").primaryKey(),
  userId: t.integer("user_id").notNull(),
  body: t.text("bdy").notNull(),
}));

export const sessions = auth.table("sessions", {
  id: text("id").primaryKey(),
  userId: integer("user_id").notNull(),
  expiresAt: timestamp("expires_at").notNull(),
});
