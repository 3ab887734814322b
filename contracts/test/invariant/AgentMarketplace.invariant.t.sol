// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AgentMarketplace} from "../../src/AgentMarketplace.sol";
import {MockERC20} from "../mocks/Tokens.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {MarketplaceHandler} from "./MarketplaceHandler.sol";

contract AgentMarketplaceInvariantTest is BaseTest {
    AgentMarketplace internal market;
    MockERC20 internal usd;
    MarketplaceHandler internal handler;

    function setUp() public {
        address owner = makeAddr("owner");
        market = new AgentMarketplace(owner, makeAddr("platform"), 700);
        usd = new MockERC20();
        handler = new MarketplaceHandler(market, usd, owner);
        targetContract(address(handler));
    }

    function _held(address token) internal view returns (uint256) {
        return token == address(0) ? address(market).balance : usd.balanceOf(address(market));
    }

    /// Sum of all internal balances equals the tokens the contract holds, per token.
    function invariant_balancesEqualHoldings() public view {
        for (uint256 t; t < handler.tokenCount(); ++t) {
            address token = handler.tokens(t);
            uint256 owed;
            for (uint256 a; a < handler.actorCount(); ++a) owed += market.balanceOf(token, handler.actors(a));
            assertEq(owed, _held(token), "owed == held");
            assertEq(handler.paid(token) - handler.withdrawnTotal(token), _held(token), "paid - withdrawn == held");
        }
    }

    /// Everything paid was credited to someone, and nobody withdrew more than credited.
    function invariant_creditsMatchPaymentsAndBoundWithdrawals() public view {
        for (uint256 t; t < handler.tokenCount(); ++t) {
            address token = handler.tokens(t);
            uint256 credited;
            for (uint256 a; a < handler.actorCount(); ++a) {
                address actor = handler.actors(a);
                credited += handler.creditedTo(token, actor);
                assertLe(handler.withdrawnBy(token, actor), handler.creditedTo(token, actor), "withdrawn <= credited");
                assertEq(
                    handler.creditedTo(token, actor) - handler.withdrawnBy(token, actor),
                    market.balanceOf(token, actor),
                    "credited - withdrawn == balance"
                );
            }
            assertEq(credited, handler.paid(token), "credited == paid");
        }
    }

    /// A pause holds nobody's money, and no refused purchase (paused, or above the buyer's
    /// maximum) ever moved a balance: the accounting invariants above still hold with them.
    function invariant_refusedPurchasesMovedNothing() public view {
        assertEq(market.purchaseCount() + handler.refusedPurchases(), handler.purchasesTried(), "every purchase counted once");
    }
}
