-- The Supabase project's public schema (camelCase, quoted), as in the seed incident.
CREATE SCHEMA auth;
CREATE TABLE auth.users ("id" UUID PRIMARY KEY);

CREATE TABLE "sessions" (
  "id" SERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL UNIQUE,
  "userId" VARCHAR(64) NOT NULL,
  "counselorId" VARCHAR(64),
  "status" VARCHAR(20) DEFAULT 'active',
  "startedAt" BIGINT NOT NULL,
  "createdAt" TIMESTAMP WITH TIME ZONE
);

CREATE TABLE "reports" (
  "id" SERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL,
  "summary" TEXT,
  "riskLevel" VARCHAR(16)
);
