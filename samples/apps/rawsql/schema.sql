-- The reports worker's database (PostgreSQL 15): camelCase columns, quoted.
CREATE SCHEMA auth;

CREATE TABLE "messages" (
  "id" BIGSERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL,
  "content" TEXT NOT NULL,
  "createdAt" TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE "emotion_logs" (
  "id" BIGSERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL,
  "createdAt" TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE "sessions" (
  "id" SERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL UNIQUE,
  "status" VARCHAR(20) DEFAULT 'active',
  "endedAt" BIGINT,
  "duration" INTEGER
);

CREATE TABLE "reports" (
  "id" SERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL,
  "reportId" VARCHAR(64) NOT NULL,
  "summary" TEXT,
  "riskLevel" VARCHAR(16)
);

CREATE TABLE public.users (
  "id" SERIAL PRIMARY KEY,
  "email" TEXT NOT NULL
);
