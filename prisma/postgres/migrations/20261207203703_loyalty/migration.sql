-- CreateTable
CREATE TABLE "LoyaltyProgram" (
    "shopId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "config" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltyProgram_pkey" PRIMARY KEY ("shopId","version")
);

-- CreateTable
CREATE TABLE "LoyaltyEntry" (
    "seq" SERIAL NOT NULL,
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "pending" INTEGER NOT NULL DEFAULT 0,
    "owed" INTEGER NOT NULL DEFAULT 0,
    "earnedPoints" INTEGER NOT NULL DEFAULT 0,
    "spendCents" INTEGER NOT NULL DEFAULT 0,
    "orderId" TEXT,
    "sourceId" TEXT,
    "programVersion" INTEGER,
    "rate" TEXT,
    "availableAt" TIMESTAMP(3),
    "reason" TEXT,
    "actor" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltyEntry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "LoyaltyMember" (
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "pending" INTEGER NOT NULL DEFAULT 0,
    "owed" INTEGER NOT NULL DEFAULT 0,
    "lifetimePoints" INTEGER NOT NULL DEFAULT 0,
    "tierId" TEXT,
    "tierSince" TIMESTAMP(3),
    "birthday" TEXT,
    "birthdaySetAt" TIMESTAMP(3),
    "lastActivityAt" TIMESTAMP(3),
    "joinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoyaltyMember_pkey" PRIMARY KEY ("shopId","customerId")
);

-- CreateTable
CREATE TABLE "LoyaltyReward" (
    "shopId" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "discountId" TEXT,
    "kind" TEXT NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,
    "minOrderCents" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoyaltyReward_pkey" PRIMARY KEY ("shopId","rewardId")
);

-- CreateTable
CREATE TABLE "RewardCode" (
    "shopId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "discountId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'adding',
    "bulkId" TEXT,
    "redemptionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedAt" TIMESTAMP(3),

    CONSTRAINT "RewardCode_pkey" PRIMARY KEY ("shopId","code")
);

-- CreateTable
CREATE TABLE "Redemption" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "programVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "LoyaltyOutbox" (
    "id" SERIAL NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "LoyaltyOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LoyaltyEntry_shopId_customerId_seq_idx" ON "LoyaltyEntry"("shopId", "customerId", "seq");

-- CreateIndex
CREATE INDEX "LoyaltyEntry_shopId_orderId_idx" ON "LoyaltyEntry"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "LoyaltyEntry_shopId_kind_availableAt_idx" ON "LoyaltyEntry"("shopId", "kind", "availableAt");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyEntry_shopId_key_key" ON "LoyaltyEntry"("shopId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyEntry_shopId_id_key" ON "LoyaltyEntry"("shopId", "id");

-- CreateIndex
CREATE INDEX "LoyaltyMember_shopId_tierId_idx" ON "LoyaltyMember"("shopId", "tierId");

-- CreateIndex
CREATE INDEX "LoyaltyMember_shopId_lastActivityAt_idx" ON "LoyaltyMember"("shopId", "lastActivityAt");

-- CreateIndex
CREATE INDEX "RewardCode_shopId_rewardId_status_idx" ON "RewardCode"("shopId", "rewardId", "status");

-- CreateIndex
CREATE INDEX "RewardCode_shopId_bulkId_idx" ON "RewardCode"("shopId", "bulkId");

-- CreateIndex
CREATE INDEX "Redemption_shopId_customerId_createdAt_idx" ON "Redemption"("shopId", "customerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shopId_customerId_idempotencyKey_key" ON "Redemption"("shopId", "customerId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "LoyaltyOutbox_status_availableAt_id_idx" ON "LoyaltyOutbox"("status", "availableAt", "id");

-- CreateIndex
CREATE INDEX "LoyaltyOutbox_shopId_customerId_idx" ON "LoyaltyOutbox"("shopId", "customerId");

