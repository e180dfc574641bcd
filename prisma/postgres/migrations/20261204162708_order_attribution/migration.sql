-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "lastPlacement" TEXT;

-- AlterTable
ALTER TABLE "OrderLine" ADD COLUMN     "placement" TEXT,
ADD COLUMN     "ruleId" TEXT;

