-- AlterTable
ALTER TABLE "Order" ADD COLUMN "lastPlacement" TEXT;

-- AlterTable
ALTER TABLE "OrderLine" ADD COLUMN "placement" TEXT;
ALTER TABLE "OrderLine" ADD COLUMN "ruleId" TEXT;

