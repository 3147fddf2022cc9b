const knex = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL });
const postgres = require('postgres');

const sql = postgres(process.env.DATABASE_URL);

// Unquoted reportId folds to reportid; the table has "reportId".
async function latestReport(sessionId) {
  return knex.raw('SELECT reportId, "summary" FROM reports WHERE "sessionId" = ?', [sessionId]);
}

async function riskySessions() {
  return sql`
    SELECT s."sessionId", s."riskLevel"
    FROM sessions s
    WHERE s.status = ${'active'}
  `;
}

async function closeSession(id) {
  return knex.raw(`UPDATE sessions SET "endedAt" = :ended, "durationSec" = :d WHERE id = :id`,
    { ended: Date.now(), d: 0, id });
}

function label(status) {
  return `Select a status: ${status}`; // not SQL: never parsed as a statement
}

module.exports = { latestReport, riskySessions, closeSession, label };
