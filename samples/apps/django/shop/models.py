from django.db import models


class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Category(Stamped):
    name = models.CharField(max_length=80)

    class Meta:
        db_table = "shop_categories"


class Product(Stamped):
    sku = models.CharField(max_length=32, db_column="SKU")
    title = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    tags = models.ManyToManyField("Tag", blank=True)


class Tag(models.Model):
    label = models.CharField(max_length=40)
