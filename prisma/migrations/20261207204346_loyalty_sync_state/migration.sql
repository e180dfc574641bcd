-- CreateTable
CREATE TABLE "LoyaltySyncState" (
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "digests" TEXT NOT NULL DEFAULT '{}',
    "tierTag" TEXT,
    "syncedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "customerId")
);

-- CreateTable
CREATE TABLE "LoyaltySyncShop" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "definitionsAt" DATETIME NOT NULL
);

