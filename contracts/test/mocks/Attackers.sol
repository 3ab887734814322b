// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAgentMarketplace} from "../../src/interfaces/IAgentMarketplace.sol";

/// @dev A payee whose receive hook tries to withdraw again (and to buy) while being paid.
contract ReentrantPayee {
    IAgentMarketplace public immutable market;
    uint256 public reentryAttempts;
    bool public reentrySucceeded;
    uint256 public listingId;

    constructor(IAgentMarketplace market_) {
        market = market_;
    }

    function setListing(uint256 id) external {
        listingId = id;
    }

    function withdraw() external returns (uint256) {
        return market.withdraw(address(0));
    }

    receive() external payable {
        reentryAttempts++;
        try market.withdraw(address(0)) {
            reentrySucceeded = true;
        } catch {}
        try market.purchase{value: 0}(listingId, 1, type(uint256).max) {
            reentrySucceeded = true;
        } catch {}
    }
}

/// @dev A payee that cannot receive the native token.
contract RejectingPayee {
    function withdraw(IAgentMarketplace market) external returns (uint256) {
        return market.withdraw(address(0));
    }

    receive() external payable {
        revert("no thanks");
    }
}
