const { Sequelize } = require('sequelize');

// Every model maps camelCase attributes to snake_case columns.
const sequelize = new Sequelize(process.env.DATABASE_URL, {
  dialect: 'postgres',
  define: { underscored: true },
});

module.exports = sequelize;
