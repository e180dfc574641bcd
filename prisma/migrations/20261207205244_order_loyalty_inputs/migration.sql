-- AlterTable
ALTER TABLE "Order" ADD COLUMN "processedAt" DATETIME;
ALTER TABLE "Order" ADD COLUMN "shippingCents" INTEGER;
ALTER TABLE "Order" ADD COLUMN "taxCents" INTEGER;

-- AlterTable
ALTER TABLE "OrderLine" ADD COLUMN "discountCents" INTEGER;

