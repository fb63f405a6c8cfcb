// Custom errors, ether balance changes, impersonated accounts and snapshots.
const helpers = require("@nomicfoundation/hardhat-toolbox/network-helpers");
const { loadFixture, takeSnapshot } = helpers;
const { expect } = require("chai");
const { ethers } = require("hardhat");

describe("Vault", function () {
  const AMOUNT = ethers.parseEther("1");

  async function deployVaultFixture() {
    const [user, other] = await ethers.getSigners();
    const vault = await ethers.deployContract("Vault");
    return { vault, user, other };
  }

  it("moves the deposit from the user to the vault and emits Deposited", async function () {
    const { vault, user } = await loadFixture(deployVaultFixture);
    const tx = vault.deposit({ value: AMOUNT });
    await expect(tx).to.emit(vault, "Deposited").withArgs(user.address, AMOUNT);
    await expect(tx).to.changeEtherBalances([user, vault], [-AMOUNT, AMOUNT]);
    expect(await vault.balances(user.address)).to.equal(AMOUNT);
  });

  it("pays a withdrawal back to the user", async function () {
    const { vault, user } = await loadFixture(deployVaultFixture);
    await (await vault.deposit({ value: AMOUNT })).wait();
    await expect(vault.withdraw(AMOUNT)).to.changeEtherBalance(user, AMOUNT);
    expect(await vault.balances(user.address)).to.equal(0n);
  });

  it("reverts an overdraft with the custom error InsufficientBalance", async function () {
    const { vault, other } = await loadFixture(deployVaultFixture);
    await expect(vault.connect(other).withdraw(AMOUNT))
      .to.be.revertedWithCustomError(vault, "InsufficientBalance")
      .withArgs(0n, AMOUNT);
  });

  it("sends a transaction from an impersonated account funded with setBalance", async function () {
    const { vault } = await loadFixture(deployVaultFixture);
    const whale = ethers.Wallet.createRandom().address;
    await helpers.impersonateAccount(whale);
    await helpers.setBalance(whale, ethers.parseEther("100"));
    expect(await ethers.provider.getBalance(whale)).to.equal(ethers.parseEther("100"));

    const signer = await ethers.getSigner(whale);
    await expect(vault.connect(signer).deposit({ value: AMOUNT }))
      .to.emit(vault, "Deposited")
      .withArgs(whale, AMOUNT);
    expect(await vault.balances(whale)).to.equal(AMOUNT);
    await helpers.stopImpersonatingAccount(whale);
  });

  it("restores the state taken with takeSnapshot", async function () {
    const { vault, user } = await loadFixture(deployVaultFixture);
    const snapshot = await takeSnapshot();
    const blockBefore = await ethers.provider.getBlockNumber();

    await (await vault.deposit({ value: AMOUNT })).wait();
    expect(await vault.balances(user.address)).to.equal(AMOUNT);
    expect(await ethers.provider.getBlockNumber()).to.be.greaterThan(blockBefore);

    await snapshot.restore();
    expect(await vault.balances(user.address)).to.equal(0n);
    expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
  });
});
