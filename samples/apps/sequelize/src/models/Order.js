const { Model, DataTypes } = require('sequelize');
const sequelize = require('../db');

class Order extends Model {}

Order.init({
  total: DataTypes.DECIMAL,
  placedAt: DataTypes.DATE,
}, {
  sequelize,
  modelName: 'Order',
  schema: 'sales',
  freezeTableName: true,
  tableName: 'orders',
  indexes: [{ fields: ['placedAt'] }],
});

module.exports = Order;
