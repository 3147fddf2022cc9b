const { Model, DataTypes } = require('sequelize');
const sequelize = require('../db');

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
  underscored: false,
  modelName: 'Session',
  tableName: 'sessions',
  indexes: [
    { fields: ['sessionId'], unique: true },
    { fields: ['userId'] },
    { fields: ['createdAt'] },
  ],
});

module.exports = Session;
