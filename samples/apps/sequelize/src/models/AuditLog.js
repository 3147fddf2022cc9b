const { Model, DataTypes } = require('sequelize');
const sequelize = require('../db');

class AuditLog extends Model {}

AuditLog.init({
  action: { type: DataTypes.STRING(32), allowNull: false },
  actorId: DataTypes.INTEGER,
  orderTotal: DataTypes.DECIMAL,
}, {
  sequelize,
  modelName: 'AuditLog',
  tableName: 'audit_logs',
  paranoid: true,
  createdAt: 'loggedAt',
  updatedAt: false,
});

module.exports = AuditLog;
