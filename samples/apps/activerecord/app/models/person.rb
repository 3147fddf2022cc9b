class Person < ApplicationRecord
  validates :full_name, presence: true
  alias_attribute :name, :full_name
  enum :status, { active: 0, archived: 1 }
end
