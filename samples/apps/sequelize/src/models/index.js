const User = require('./User');
const Staff = require('./Staff');
const Order = require('./Order');
const AuditLog = require('./AuditLog');

// The foreign keys these add are columns too: buyerId -> buyer_id on orders (there), and
// StaffId -> staff_id on orders (never migrated).
Order.belongsTo(User, { as: 'buyer' });
Staff.hasMany(Order);

module.exports = { User, Staff, Order, AuditLog };
