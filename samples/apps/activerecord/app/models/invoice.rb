class Invoice < ApplicationRecord
  self.table_name = "invoice_records"
  belongs_to :customer, foreign_key: "customerId"
  validates :totl, numericality: true
end
