// Hardhat 3's network helpers against the node: loadFixture (evm_snapshot/evm_revert),
// time.latest/time.increaseTo (evm_setNextBlockTimestamp), mine (hardhat_mine), takeSnapshot;
// with the chai matchers emit().withArgs, revertedWith, revertedWithCustomError and
// changeEtherBalances.
import { expect } from "chai";
import { network } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, mine, takeSnapshot, time } = networkHelpers;

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

  it("deploys through loadFixture with the unlockTime, the owner and the funds", async function () {
    const { lock, unlockTime, lockedAmount, owner } = await loadFixture(deployOneYearLockFixture);
    expect(await lock.unlockTime()).to.equal(unlockTime);
    expect(await lock.owner()).to.equal(owner.address);
    expect(await ethers.provider.getBalance(lock.target)).to.equal(lockedAmount);
  });

  it("reverts with revertedWith: an unlockTime in the past, a withdrawal too soon", async function () {
    const { lock } = await loadFixture(deployOneYearLockFixture);
    await expect(lock.withdraw()).to.be.revertedWith("You can't withdraw yet");

    const Lock = await ethers.getContractFactory("Lock");
    await expect(Lock.deploy(await time.latest(), { value: 1 })).to.be.revertedWith(
      "Unlock time should be in the future",
    );
  });

  it("after time.increaseTo, reverts another account with the custom error NotOwner", async function () {
    const { lock, unlockTime, otherAccount } = await loadFixture(deployOneYearLockFixture);
    await time.increaseTo(unlockTime);
    await expect(lock.connect(otherAccount).withdraw())
      .to.be.revertedWithCustomError(lock, "NotOwner")
      .withArgs(otherAccount.address);
  });

  it("after time.increaseTo, emits Withdrawal and pays the owner", async function () {
    const { lock, unlockTime, lockedAmount, owner } = await loadFixture(deployOneYearLockFixture);
    await time.increaseTo(unlockTime);
    const tx = lock.withdraw();
    await expect(tx).to.emit(lock, "Withdrawal").withArgs(lockedAmount, anyValue);
    await expect(tx).to.changeEtherBalances(ethers, [owner, lock], [lockedAmount, -lockedAmount]);
    expect(await time.latest()).to.be.at.least(unlockTime);
  });

  it("mines blocks with mine(n) and a timestamp interval", async function () {
    const blockBefore = await ethers.provider.getBlockNumber();
    await mine(2);
    expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore + 2);

    const timeBefore = await time.latest();
    await mine(3, { interval: 60 });
    expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore + 5);
    // Each mined block is 60 seconds after the one before it.
    const stamps = [];
    for (let n = blockBefore + 3; n <= blockBefore + 5; n++) {
      stamps.push((await ethers.provider.getBlock(n)).timestamp);
    }
    expect(stamps[0]).to.be.greaterThan(timeBefore);
    expect(stamps.slice(1).map((t, i) => t - stamps[i])).to.deep.equal([60, 60]);
    expect(await time.latest()).to.equal(stamps[2]);
  });

  it("restores the state and the block number taken with takeSnapshot", async function () {
    const { lock, unlockTime, lockedAmount } = await loadFixture(deployOneYearLockFixture);
    const snapshot = await takeSnapshot();
    const blockBefore = await ethers.provider.getBlockNumber();

    await time.increaseTo(unlockTime);
    await (await lock.withdraw()).wait();
    expect(await ethers.provider.getBalance(lock.target)).to.equal(0n);
    expect(await ethers.provider.getBlockNumber()).to.be.greaterThan(blockBefore);

    await snapshot.restore();
    expect(await ethers.provider.getBalance(lock.target)).to.equal(lockedAmount);
    expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    expect(await time.latest()).to.be.lessThan(unlockTime);
  });
});
