const { DataTypes } = require('sequelize');
const sequelize = require('../db');

// Table name derived: 'User' pluralised and underscored -> users.
const User = sequelize.define('User', {
  email: { type: DataTypes.STRING, allowNull: false, unique: true },
  fullName: DataTypes.STRING,
  refreshToken: DataTypes.TEXT,
  streetAdress: { type: DataTypes.STRING, field: 'street_adress' },
  passwordConfirm: { type: DataTypes.VIRTUAL },
});

module.exports = User;
