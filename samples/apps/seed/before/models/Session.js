const { Model, DataTypes } = require('sequelize');
const sequelize = require('../db');
// Changed from 'sessions' to avoid auth.sessions conflict

class Session extends Model {}

Session.init({
  sessionId: { type: DataTypes.STRING(64), allowNull: false, unique: true },
  userId: { type: DataTypes.STRING(64), allowNull: false },
  counselorId: { type: DataTypes.STRING(64) },
  status: { type: DataTypes.STRING(20), defaultValue: 'active' },
  startedAt: { type: DataTypes.BIGINT, allowNull: false },
  endedAt: { type: DataTypes.BIGINT },
  duration: { type: DataTypes.INTEGER },
  counters: { type: DataTypes.JSONB, defaultValue: {} },
  emotionsData: { type: DataTypes.JSONB, defaultValue: [] },
}, {
  sequelize,
  timestamps: true,
  underscored: true,
  modelName: 'Session',
  tableName: 'counseling_sessions',
  indexes: [
    { fields: ['session_id'], unique: true },
    { fields: ['user_id'] },
    { fields: ['created_at'] },
  ],
});

module.exports = Session;
