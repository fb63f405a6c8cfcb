// Hardhat's sample test for Lock: fixtures, time travel, reverts, events, balance changes.
const { time, loadFixture, mine } = require("@nomicfoundation/hardhat-toolbox/network-helpers");
const { anyValue } = require("@nomicfoundation/hardhat-chai-matchers/withArgs");
const { expect } = require("chai");
const { ethers } = require("hardhat");

describe("Lock", function () {
  const ONE_YEAR_IN_SECS = 365 * 24 * 60 * 60;
  const ONE_GWEI = 1_000_000_000n;

  async function deployOneYearLockFixture() {
    const lockedAmount = ONE_GWEI;
    const unlockTime = (await time.latest()) + ONE_YEAR_IN_SECS;
    const [owner, otherAccount] = await ethers.getSigners();
    const lock = await ethers.deployContract("Lock", [unlockTime], { value: lockedAmount });
    return { lock, unlockTime, lockedAmount, owner, otherAccount };
  }

  describe("Deployment", function () {
    it("sets the unlockTime, the owner and receives the funds", async function () {
      const { lock, unlockTime, lockedAmount, owner } = await loadFixture(deployOneYearLockFixture);
      expect(await lock.unlockTime()).to.equal(unlockTime);
      expect(await lock.owner()).to.equal(owner.address);
      expect(await ethers.provider.getBalance(lock.target)).to.equal(lockedAmount);
    });

    it("fails if the unlockTime is not in the future", async function () {
      const latestTime = await time.latest();
      const Lock = await ethers.getContractFactory("Lock");
      await expect(Lock.deploy(latestTime, { value: 1 })).to.be.revertedWith(
        "Unlock time should be in the future"
      );
    });
  });

  describe("Withdrawals", function () {
    it("reverts with the right error if called too soon", async function () {
      const { lock } = await loadFixture(deployOneYearLockFixture);
      await expect(lock.withdraw()).to.be.revertedWith("You can't withdraw yet");
    });

    it("reverts with the right error if called from another account", async function () {
      const { lock, unlockTime, otherAccount } = await loadFixture(deployOneYearLockFixture);
      await time.increaseTo(unlockTime);
      await expect(lock.connect(otherAccount).withdraw()).to.be.revertedWith("You aren't the owner");
    });

    it("emits Withdrawal and transfers the funds to the owner", async function () {
      const { lock, unlockTime, lockedAmount, owner } = await loadFixture(deployOneYearLockFixture);
      await time.increaseTo(unlockTime);
      const tx = lock.withdraw();
      await expect(tx).to.emit(lock, "Withdrawal").withArgs(lockedAmount, anyValue);
      await expect(tx).to.changeEtherBalances([owner, lock], [lockedAmount, -lockedAmount]);
      expect(await time.latest()).to.be.at.least(unlockTime);
    });
  });

  describe("Mining", function () {
    it("mines blocks with mine(n) and a timestamp interval", async function () {
      const blockBefore = await ethers.provider.getBlockNumber();
      await mine(3);
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore + 3);

      const timeBefore = await time.latest();
      await mine(4, { interval: 60 });
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore + 7);
      // Each mined block is 60 seconds after the one before it.
      const stamps = [];
      for (let n = blockBefore + 4; n <= blockBefore + 7; n++) {
        stamps.push((await ethers.provider.getBlock(n)).timestamp);
      }
      expect(stamps[0]).to.be.greaterThan(timeBefore);
      expect(stamps.slice(1).map((t, i) => t - stamps[i])).to.deep.equal([60, 60, 60]);
      expect(await time.latest()).to.equal(stamps[3]);
    });
  });
});
