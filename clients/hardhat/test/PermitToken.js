// EIP-2612 permit signed by the node's dev account (eth_signTypedData_v4 through
// accounts: "remote") and submitted by another account; personal_sign; a library custom error.
const { loadFixture } = require("@nomicfoundation/hardhat-toolbox/network-helpers");
const { expect } = require("chai");
const { ethers } = require("hardhat");

describe("PermitToken", function () {
  const SUPPLY = ethers.parseEther("1000");

  async function deployTokenFixture() {
    const [owner, spender, recipient] = await ethers.getSigners();
    const token = await ethers.deployContract("PermitToken", [SUPPLY]);
    return { token, owner, spender, recipient };
  }

  it("mints the supply to the deployer", async function () {
    const { token, owner } = await loadFixture(deployTokenFixture);
    expect(await token.totalSupply()).to.equal(SUPPLY);
    expect(await token.balanceOf(owner.address)).to.equal(SUPPLY);
  });

  it("accepts a permit signed with signTypedData and lets the spender use it", async function () {
    const { token, owner, spender, recipient } = await loadFixture(deployTokenFixture);
    const value = ethers.parseEther("10");
    const nonce = await token.nonces(owner.address);
    const deadline = BigInt((await ethers.provider.getBlock("latest")).timestamp) + 3600n;
    const { chainId } = await ethers.provider.getNetwork();

    const domain = {
      name: await token.name(),
      version: "1",
      chainId,
      verifyingContract: await token.getAddress(),
    };
    const types = {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    };
    const message = { owner: owner.address, spender: spender.address, value, nonce, deadline };
    const signature = await owner.signTypedData(domain, types, message);
    expect(ethers.verifyTypedData(domain, types, message, signature)).to.equal(owner.address);
    const { v, r, s } = ethers.Signature.from(signature);

    await expect(token.connect(spender).permit(owner.address, spender.address, value, deadline, v, r, s))
      .to.emit(token, "Approval")
      .withArgs(owner.address, spender.address, value);
    expect(await token.allowance(owner.address, spender.address)).to.equal(value);
    expect(await token.nonces(owner.address)).to.equal(nonce + 1n);

    await expect(token.connect(spender).transferFrom(owner.address, recipient.address, value))
      .to.emit(token, "Transfer")
      .withArgs(owner.address, recipient.address, value);
    expect(await token.balanceOf(recipient.address)).to.equal(value);
    expect(await token.allowance(owner.address, spender.address)).to.equal(0n);
  });

  it("rejects a transfer above the balance with ERC20InsufficientBalance", async function () {
    const { token, spender, recipient } = await loadFixture(deployTokenFixture);
    await expect(token.connect(spender).transfer(recipient.address, 1n))
      .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
      .withArgs(spender.address, 0n, 1n);
  });

  it("signs a message with signMessage that verifyMessage attributes to the signer", async function () {
    const [, , , signer] = await ethers.getSigners();
    const message = "Hello from Hardhat on Filecoin";
    const signature = await signer.signMessage(message);
    expect(ethers.verifyMessage(message, signature)).to.equal(signer.address);
  });
});
