-- schema/init.sql of the seed incident's service (Node.js on Render, Postgres on Supabase).
-- The tables use quoted camelCase column names; the Sequelize model assumed snake_case.

CREATE EXTENSION IF NOT EXISTS "pgcrypto";

CREATE TABLE "users" (
  "id" SERIAL PRIMARY KEY,
  "userId" VARCHAR(64) NOT NULL UNIQUE,
  "email" VARCHAR(255) UNIQUE,
  "name" VARCHAR(100),
  "role" VARCHAR(20) DEFAULT 'client',
  "isActive" BOOLEAN DEFAULT TRUE,
  "refreshToken" TEXT,
  "createdAt" TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
  "updatedAt" TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE "counselors" (
  "id" SERIAL PRIMARY KEY,
  "counselorId" VARCHAR(64) NOT NULL UNIQUE,
  "displayName" VARCHAR(100) NOT NULL,
  "model" VARCHAR(50),
  "createdAt" TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE "messages" (
  "id" BIGSERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL,
  "sender" VARCHAR(20) NOT NULL,
  "content" TEXT NOT NULL,
  "createdAt" TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE "emotion_logs" (
  "id" BIGSERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL,
  "emotion" VARCHAR(32) NOT NULL,
  "score" REAL NOT NULL,
  "createdAt" TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE "sessions" (
  "id" SERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL UNIQUE,
  "userId" VARCHAR(64) NOT NULL,
  "counselorId" VARCHAR(64),
  "status" VARCHAR(20) DEFAULT 'active',
  "startedAt" BIGINT NOT NULL,
  "endedAt" BIGINT,
  "duration" INTEGER,
  "counters" JSONB DEFAULT '{}',
  "emotionsData" JSONB DEFAULT '[]',
  "createdAt" TIMESTAMP WITH TIME ZONE,
  "updatedAt" TIMESTAMP WITH TIME ZONE
);

CREATE TABLE "reports" (
  "id" SERIAL PRIMARY KEY,
  "sessionId" VARCHAR(64) NOT NULL,
  "summary" TEXT,
  "riskLevel" VARCHAR(16),
  "createdAt" TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE INDEX "idx_sessions_userId" ON "sessions" ("userId");
CREATE INDEX "idx_messages_sessionId" ON "messages" ("sessionId");
CREATE INDEX "idx_emotion_logs_sessionId" ON "emotion_logs" ("sessionId");
