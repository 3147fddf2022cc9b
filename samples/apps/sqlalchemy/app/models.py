"""Inventory models (SQLAlchemy 2.0 declarative)."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Warehouse(TimestampMixin, Base):
    __tablename__ = "warehouses"
    __table_args__ = {"schema": "inventory"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    cityCode: Mapped[str] = mapped_column("cityCode", String(8))
    items: Mapped[list["Item"]] = relationship(back_populates="warehouse")


class Item(TimestampMixin, Base):
    __tablename__ = "item"
    __table_args__ = ({"schema": "inventory"},)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku = Column("sku", String(32), nullable=False)
    title = Column(Text)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("inventory.warehouses.id"))
    quantity: Mapped[int]
    warehouse: Mapped["Warehouse"] = relationship(back_populates="items")


metadata = MetaData()

stock_moves = Table(
    "stock_moves",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, nullable=False),
    Column("qty_delta", Integer, nullable=False),
    schema="inventory",
)
