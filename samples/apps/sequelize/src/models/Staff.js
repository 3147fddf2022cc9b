const { Model, DataTypes } = require('sequelize');
const sequelize = require('../db');

class Staff extends Model {}

Staff.init({
  staffId: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  displayName: DataTypes.STRING,
}, {
  sequelize,
  modelName: 'Staff',
  timestamps: false,
});

module.exports = Staff;
