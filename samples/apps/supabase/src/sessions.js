import { createClient } from '@supabase/supabase-js';

const supabase = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_ANON_KEY);

// The seed's first failure: the insert keys are snake_case, the table is camelCase
// ("Could not find the 'created_at' column of 'sessions' in the schema cache").
export async function createSession(sessionId, userId) {
  return supabase.from('sessions').insert({
    sessionId,
    userId,
    status: 'active',
    created_at: new Date().toISOString(),
  });
}

export async function activeSession(userId) {
  return supabase
    .from('sessions')
    .select('id, sessionId, counselor:counselorId, startedAt, reports(summary)')
    .eq('userId', userId)
    .eq('status', 'active')
    .order('startedAt', { ascending: false })
    .limit(1);
}

export async function riskReports() {
  return supabase.from('report').select('sessionId, riskLevel');
}

export async function mfaFactors(userId) {
  return supabase.schema('auth').from('mfa_factors').select('id').eq('user_id', userId);
}

export const letters = Array.from('abc');
