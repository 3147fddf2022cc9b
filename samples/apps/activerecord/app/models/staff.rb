# Rails' inflection makes the table "staffs"; the DBA created "staff".
class Staff < ApplicationRecord
  belongs_to :team
  validates :email, presence: true, uniqueness: true
end
