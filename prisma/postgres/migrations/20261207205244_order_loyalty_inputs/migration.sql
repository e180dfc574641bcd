-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "processedAt" TIMESTAMP(3),
ADD COLUMN     "shippingCents" INTEGER,
ADD COLUMN     "taxCents" INTEGER;

-- AlterTable
ALTER TABLE "OrderLine" ADD COLUMN     "discountCents" INTEGER;

