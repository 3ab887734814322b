// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AgentMarketplace} from "../../src/AgentMarketplace.sol";
import {IAgentMarketplace} from "../../src/interfaces/IAgentMarketplace.sol";
import {MockERC20} from "../mocks/Tokens.sol";
import {Vm} from "forge-std/Vm.sol";

/// @dev Drives the marketplace with random purchases, withdrawals and fee changes, and
/// keeps ghost totals of what was paid, credited and withdrawn.
contract MarketplaceHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    AgentMarketplace public immutable market;
    MockERC20 public immutable usd;
    address public immutable owner;
    address[] public actors;
    address[] public tokens;
    uint256[] public listings;

    mapping(address token => uint256) public paid;
    mapping(address token => uint256) public withdrawnTotal;
    mapping(address token => mapping(address account => uint256)) public withdrawnBy;
    mapping(address token => mapping(address account => uint256)) public creditedTo;

    constructor(AgentMarketplace market_, MockERC20 usd_, address owner_) {
        market = market_;
        usd = usd_;
        owner = owner_;
        tokens.push(address(0));
        tokens.push(address(usd_));
        for (uint256 i; i < 5; ++i) actors.push(address(uint160(0xA000 + i)));
        actors.push(market_.feeRecipient());
        for (uint256 t; t < 2; ++t) {
            for (uint256 n = 1; n <= 3; ++n) {
                IAgentMarketplace.Payee[] memory payees = new IAgentMarketplace.Payee[](n);
                uint256 left = 10_000;
                for (uint256 i; i < n; ++i) {
                    uint16 share = i == n - 1 ? uint16(left) : uint16(left / 3 + i);
                    left -= share;
                    payees[i] = IAgentMarketplace.Payee(actors[i + t], share);
                }
                vm.prank(actors[4]);
                listings.push(market_.registerListing(tokens[t], 1e12 * n + 7 * t + 3, payees));
            }
        }
    }

    function tokenCount() external pure returns (uint256) {
        return 2;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    /// Purchases that reverted because the marketplace was paused or the price was above the
    /// buyer's maximum; none of them may move a balance.
    uint256 public refusedPurchases;
    /// Withdrawals that went through while the marketplace was paused.
    uint256 public withdrawalsWhilePaused;
    /// Every purchase the handler attempted.
    uint256 public purchasesTried;

    function setPaused(bool paused) external {
        vm.prank(owner);
        market.setPaused(paused);
    }

    function purchase(uint256 listingSeed, uint256 runs, uint256 buyerSeed, uint256 slack) external {
        purchasesTried++;
        uint256 listingId = listings[listingSeed % listings.length];
        runs = 1 + (runs % 50);
        address buyer = address(uint160(0xB000 + (buyerSeed % 3)));
        (, address token, uint256 price,, IAgentMarketplace.Payee[] memory payees) = market.getListing(listingId);
        uint256 amount = price * runs;
        // One purchase in four agreed to a maximum below the price: it must be refused.
        uint256 maxTotal = slack % 4 == 0 ? amount - 1 : amount + (slack % 1e12);
        if (market.paused() || maxTotal < amount) {
            if (token == address(0)) vm.deal(buyer, amount);
            vm.prank(buyer);
            (bool ok,) = address(market).call{value: token == address(0) ? amount : 0}(
                abi.encodeCall(market.purchase, (listingId, runs, maxTotal))
            );
            require(!ok, "a paused or over-maximum purchase went through");
            refusedPurchases++;
            return;
        }
        uint256[] memory before = new uint256[](payees.length + 1);
        for (uint256 i; i < payees.length; ++i) before[i] = market.balanceOf(token, payees[i].account);
        address recipient = market.feeRecipient();
        before[payees.length] = market.balanceOf(token, recipient);
        if (token == address(0)) {
            vm.deal(buyer, amount);
            vm.prank(buyer);
            market.purchase{value: amount}(listingId, runs, maxTotal);
        } else {
            usd.mint(buyer, amount);
            vm.startPrank(buyer);
            usd.approve(address(market), amount);
            market.purchase(listingId, runs, maxTotal);
            vm.stopPrank();
        }
        paid[token] += amount;
        for (uint256 i; i < payees.length; ++i) {
            creditedTo[token][payees[i].account] += market.balanceOf(token, payees[i].account) - before[i];
        }
        creditedTo[token][recipient] += market.balanceOf(token, recipient) - before[payees.length];
    }

    function withdraw(uint256 actorSeed, uint256 tokenSeed) external {
        address actor = actors[actorSeed % actors.length];
        address token = tokens[tokenSeed % 2];
        if (market.balanceOf(token, actor) == 0) return;
        vm.prank(actor);
        uint256 amount = market.withdraw(token);
        if (market.paused()) withdrawalsWhilePaused++;
        withdrawnTotal[token] += amount;
        withdrawnBy[token][actor] += amount;
    }

    function setFee(uint256 fee) external {
        vm.prank(owner);
        market.setFeeBps(uint16(fee % 1_001));
    }
}
