-- CreateTable
CREATE TABLE "LoyaltySyncState" (
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "digests" TEXT NOT NULL DEFAULT '{}',
    "tierTag" TEXT,
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltySyncState_pkey" PRIMARY KEY ("shopId","customerId")
);

-- CreateTable
CREATE TABLE "LoyaltySyncShop" (
    "shopId" TEXT NOT NULL,
    "definitionsAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoyaltySyncShop_pkey" PRIMARY KEY ("shopId")
);

