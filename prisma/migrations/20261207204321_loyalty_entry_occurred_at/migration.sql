-- AlterTable
ALTER TABLE "LoyaltyEntry" ADD COLUMN "occurredAt" DATETIME;

-- CreateIndex
CREATE INDEX "LoyaltyEntry_shopId_customerId_occurredAt_idx" ON "LoyaltyEntry"("shopId", "customerId", "occurredAt");

